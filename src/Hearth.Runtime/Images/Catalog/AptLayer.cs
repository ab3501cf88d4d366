using System.Text.RegularExpressions;

namespace Hearth.Runtime.Images.Catalog;

/// <summary>
/// A layer of Debian packages installed with apt in a chroot on the layers below (the image's
/// own sources.list, i.e. the mirror its base was bootstrapped from), then an optional script
/// (users, config files, start scripts); <c>before</c> runs ahead of the install (debconf or
/// package configuration that must be in place when the postinsts run). Apt's lists, caches and logs are removed so the layer
/// holds only what was installed.
/// </summary>
internal sealed partial class AptLayer(IReadOnlyList<string> packages, string extraScript = "", string before = "") : ILayerRecipe
{
    private const int Revision = 1; // bump when Script changes

    public IReadOnlyList<string> Packages => packages;
    public string Title => $"apt-get install {string.Join(' ', packages)}";
    public string Fingerprint => Fingerprints.Of(["apt", Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), Script]);

    /// <summary>The whole chroot script; the fingerprint is its hash.</summary>
    public string Script => "set -eu\n" + before + "\n" + InstallScript(packages) + extraScript + "\n" + CleanScript;

    /// <summary>
    /// apt-get update and install, non-interactive and without recommends. dpkg's
    /// --force-unsafe-io skips its fsync per unpacked file (hundreds of node-* packages): a build
    /// cut short is thrown away and redone anyway, never used half-written.
    /// </summary>
    internal static string InstallScript(IReadOnlyList<string> packages) => packages.Count == 0 ? "set -eu\n" : $"""
        set -eu
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-unsafe-io {string.Join(' ', packages)}

        """;

    /// <summary>What apt and dpkg leave behind that no workspace needs (the base layer has none of it, so no whiteouts).</summary>
    internal const string CleanScript = """
        apt-get clean
        find /var/lib/apt/lists -maxdepth 1 -type f ! -name lock -delete
        rm -f /var/cache/apt/*.bin
        find /var/log -type f -delete
        rm -rf /root/.cache /root/.npm
        """;

    public async Task BuildAsync(LayerBuildContext context, CancellationToken cancellationToken)
    {
        await RunAsync(context, Title, Script, cancellationToken);
    }

    /// <summary>
    /// Runs a chroot script with apt's summary lines as progress, then reports the layer's size
    /// (the store prefixes each line with the recipe's title).
    /// </summary>
    internal static async Task RunAsync(LayerBuildContext context, string title, string script, CancellationToken cancellationToken)
    {
        string? count = null;
        await ChrootRunner.RunCheckedAsync(context.LowerTrees, context.Tree, script, title, line =>
        {
            if (NewlyInstalled().Match(line) is { Success: true } installed) count = installed.Groups[1].Value;
            else if (AfterThisOperation().Match(line) is { Success: true } size)
                context.Progress($"{count ?? "?"} packages, {size.Groups[1].Value}");
            else if (line.StartsWith("hearth: ", StringComparison.Ordinal))
                context.Progress(line[8..]);
        }, TimeSpan.FromMinutes(30), cancellationToken);
    }

    // apt-get's summary (apt-private/private-output.cc): "12 upgraded, 42 newly installed, 0 to remove ..."
    [GeneratedRegex(@"(\d+) newly installed")]
    private static partial Regex NewlyInstalled();

    // "After this operation, 61.2 MB of additional disk space will be used."
    [GeneratedRegex(@"After this operation, ([\d.,]+ [kMG]?B) of additional disk space")]
    private static partial Regex AfterThisOperation();
}
