using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Images.Catalog;

/// <summary>
/// Runs a shell script as root chrooted into an overlay of image layers, the way a recipe layer
/// is built: the overlay's upper folder collects every change and then <em>is</em> the new layer.
/// </summary>
/// <remarks>
/// Everything happens inside <c>unshare --mount --pid --fork</c> with private propagation: the
/// overlay, /proc, /dev and the resolv.conf bind exist only in that mount namespace, so a crash
/// or a timeout (which kills the process tree) leaves nothing mounted on the host, and the PID
/// namespace takes down any daemon a package postinst started anyway.
/// The overlay is mounted with index, redirect_dir, metacopy and xino off (overlayfs(5) /
/// Documentation/filesystems/overlayfs.rst) so the upper holds only plain files, whiteouts (char
/// 0/0) and <c>trusted.overlay.opaque</c> dirs: the lower-layer format the store stacks. The
/// remaining bookkeeping xattrs (origin, impure) are stripped afterwards by
/// <see cref="LayerTree.StripOverlayXattrs"/>.
/// Scratch state the layer must not keep: /tmp, /var/tmp and /dev are tmpfs (/run is not: a
/// workspace's /run is the image's, so folders packages make there, /run/postgresql, must stay); the host's
/// resolv.conf is bind-mounted over /etc/resolv.conf (an empty file created for the bind is
/// removed again); <c>/usr/sbin/policy-rc.d</c> (exit 101, invoke-rc.d(8)) keeps postinsts from
/// starting services and is removed again.
/// </remarks>
internal static class ChrootRunner
{
    private const string Path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // $1 lowerdir (top first, ':'-separated), $2 upper, $3 work, $4 mount point, $5 the script.
    private const string Outer = """
        set -eu
        m=$4
        mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3,index=off,redirect_dir=off,metacopy=off,xino=off" "$m"
        for d in proc dev tmp var/tmp etc usr/sbin; do [ -d "$m/$d" ] || mkdir -p "$m/$d"; done
        mount -t proc proc "$m/proc"
        mount -t tmpfs -o mode=755,nosuid dev "$m/dev"
        mknod -m 666 "$m/dev/null" c 1 3; mknod -m 666 "$m/dev/zero" c 1 5; mknod -m 666 "$m/dev/full" c 1 7
        mknod -m 666 "$m/dev/random" c 1 8; mknod -m 666 "$m/dev/urandom" c 1 9; mknod -m 666 "$m/dev/tty" c 5 0
        ln -s /proc/self/fd "$m/dev/fd"; ln -s /proc/self/fd/0 "$m/dev/stdin"
        ln -s /proc/self/fd/1 "$m/dev/stdout"; ln -s /proc/self/fd/2 "$m/dev/stderr"
        mkdir "$m/dev/shm" "$m/dev/pts"; mount -t tmpfs -o mode=1777 shm "$m/dev/shm"
        mount -t tmpfs -o mode=1777 tmp "$m/tmp"; mount -t tmpfs -o mode=1777 vartmp "$m/var/tmp"
        made_resolv=
        if [ -f /etc/resolv.conf ] && [ ! -L "$m/etc/resolv.conf" ]; then
          if [ ! -e "$m/etc/resolv.conf" ]; then : > "$m/etc/resolv.conf"; made_resolv=1; fi
          mount --bind -o ro /etc/resolv.conf "$m/etc/resolv.conf"
        fi
        made_policy=
        if [ ! -e "$m/usr/sbin/policy-rc.d" ]; then
          printf '#!/bin/sh\n# written by Hearth while building a layer\nexit 101\n' > "$m/usr/sbin/policy-rc.d"
          chmod 755 "$m/usr/sbin/policy-rc.d"; made_policy=1
        fi
        set +e
        env -i PATH=__PATH__ HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive \
          chroot "$m" /bin/sh -c "$5"
        rc=$?
        set -e
        # Whatever the script left running (we are PID 1 of this namespace) goes before the unmounts.
        kill -KILL -1 2>/dev/null || true
        [ -z "$made_policy" ] || rm -f "$m/usr/sbin/policy-rc.d"
        if mountpoint -q "$m/etc/resolv.conf"; then umount "$m/etc/resolv.conf"; fi
        [ -z "$made_resolv" ] || rm -f "$m/etc/resolv.conf"
        # A killed process lets go of its files a moment after the signal: retry a busy unmount.
        unmount() { for i in 1 2 3 4 5 6 7 8 9 10; do umount "$1" 2>/dev/null && return 0; sleep 0.2; done; umount "$1"; }
        for d in var/tmp tmp dev/shm dev proc; do unmount "$m/$d"; done
        unmount "$m"
        exit $rc
        """;

    /// <summary>
    /// Runs <paramref name="script"/> with <c>/bin/sh -c</c> in the chroot. With an
    /// <paramref name="upperTree"/> its changes land there (and it is then a clean layer); with
    /// none they go to a throwaway folder. <paramref name="lowerTrees"/> are the layers below,
    /// bottom first; at least one.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        IReadOnlyList<string> lowerTrees, string? upperTree, string script, Action<string>? onLine, TimeSpan timeout,
        CancellationToken cancellationToken = default, IProcessRunner? processes = null)
    {
        if (lowerTrees.Count == 0) throw new ArgumentException("a chroot needs at least one lower layer", nameof(lowerTrees));
        foreach (var lower in lowerTrees)
        {
            // overlayfs(5): ':' separates lowers and ',' options; an escaped form exists but no tree of ours needs it.
            if (lower.Contains(':', StringComparison.Ordinal) || lower.Contains(',', StringComparison.Ordinal))
                throw new ArgumentException($"layer path {lower} contains ':' or ','", nameof(lowerTrees));
        }
        var throwaway = upperTree is null;
        var upper = upperTree ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"hearth-chroot-{Guid.NewGuid():N}");
        Directory.CreateDirectory(upper);
        // The work dir must be on the upper's filesystem and empty: a sibling of the upper.
        var scratch = $"{upper.TrimEnd('/')}.chroot-{Guid.NewGuid():N}";
        var work = System.IO.Path.Combine(scratch, "work");
        var merged = System.IO.Path.Combine(scratch, "merged");
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(merged);
        try
        {
            var lowerdir = string.Join(':', lowerTrees.Reverse()); // overlayfs lists the top lower first
            var result = await (processes ?? Runner).RunAsync(new ProcessRequest("unshare",
                ["--mount", "--propagation", "private", "--pid", "--fork", "--", "/bin/sh", "-c",
                 Outer.Replace("__PATH__", Path, StringComparison.Ordinal), "hearth-chroot", lowerdir, upper, work, merged, script])
            {
                Timeout = timeout,
                OnLine = onLine,
                Environment = new Dictionary<string, string> { ["PATH"] = Path },
            }, cancellationToken);
            if (!throwaway) LayerTree.StripOverlayXattrs(upper);
            return result;
        }
        finally
        {
            await DeleteAsync(scratch);
            if (throwaway) await DeleteAsync(upper);
        }
    }

    /// <summary>
    /// Deletes a scratch folder, retrying for a few seconds: the mount namespace of a process
    /// killed by its timeout is torn down just after it is reaped, and until then the overlay
    /// still holds the folder.
    /// </summary>
    private static async Task DeleteAsync(string folder)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 25)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Runs the script and throws <c>image_build_failed</c> with the output's tail when it fails.</summary>
    public static async Task<ProcessResult> RunCheckedAsync(
        IReadOnlyList<string> lowerTrees, string? upperTree, string script, string what, Action<string>? onLine, TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(lowerTrees, upperTree, script, onLine, timeout, cancellationToken);
        if (!result.Succeeded)
        {
            var output = (result.StandardOutput + result.StandardError).Trim();
            throw new RuntimeException("image_build_failed",
                $"{what} failed ({result.ExitCode}): {(output.Length <= 1200 ? output : "..." + output[^1200..])}");
        }
        return result;
    }

    private static readonly ProcessRunner Runner = new();
}
