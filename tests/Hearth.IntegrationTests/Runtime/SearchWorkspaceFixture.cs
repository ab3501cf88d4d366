using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Runtime;

/// <summary>
/// One hearthd and one workspace per search test class, with a tree to search: sources,
/// hidden and ignored files, a binary file, 30 files of needles, symlinks to the agent's
/// bundle and to another directory, and 360 MB of text slow enough to time out on (60 MB was
/// not: an idle machine's ripgrep got through it within the 1 s timeout).
/// </summary>
public abstract class SearchWorkspaceFixture : HearthdFixture, IAsyncLifetime
{
    private const string Tree = """
        set -e
        rm -rf /s /big /data && mkdir -p /s/src /s/.hidden /s/ignored /s/many /big /data
        cd /s
        printf "const greeting = 'Hello World';\nfunction helloWorld() {}\nexport default greeting;\n" > src/app.ts
        printf "def hello():\n    return 'hello there'\n" > src/util.py
        printf "line one\nline two\nHELLO upper\nline four\nline five\n" > src/notes.md
        printf 'hello hidden\n' > .hidden/secret.txt
        printf 'ignored/\n*.log\n' > .gitignore
        printf 'hello ignored\n' > ignored/x.txt
        printf 'hello log\n' > app.log
        printf 'hello\0binary\n' > bin.dat
        i=0; while [ $i -lt 30 ]; do printf 'needle a\nneedle b\nneedle c\nneedle d\nneedle e\n' > many/f$i.txt; i=$((i+1)); done
        echo unique-marker-7f3a > /s/marker.txt
        rm -rf /s2 && mkdir -p /s2/sub && printf 'skip.txt\n' > /s2/.gitignore
        echo 'hello parent' > /s2/sub/skip.txt && echo 'hello parent' > /s2/sub/keep.txt
        echo target-secret-line > /data/target.txt
        ln -s /.hearth /s/bundle-link
        ln -s /data /s/data-link
        line='alpha beta gamma delta epsilon zeta eta theta'; line="$line $line $line $line $line $line $line $line"
        yes "$line" | head -c 60000000 > /big/big.txt
        for i in 1 2 3 4 5; do cp /big/big.txt /big/big$i.txt; done
        """;

    /// <summary>The workspace's create request.</summary>
    protected abstract string CreateJson { get; }

    public RuntimeGatewayClient Gateway { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd, CreateJson);
        await Gateway.ShAsync(Tree);
    }

    public override async Task DisposeAsync()
    {
        Gateway?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>A workspace whose agent bundle has the host's ripgrep (scripts/setup-host.sh installs it).</summary>
public sealed class RipgrepSearchFixture : SearchWorkspaceFixture
{
    protected override string CreateJson => """{"image":"busybox"}""";
}

/// <summary>A workspace that asks for the built-in search (HEARTH_SEARCH_ENGINE=builtin), ripgrep or not.</summary>
public sealed class BuiltinSearchFixture : SearchWorkspaceFixture
{
    protected override string CreateJson => """{"image":"busybox","config":{"env":{"HEARTH_SEARCH_ENGINE":"builtin"}}}""";
}
