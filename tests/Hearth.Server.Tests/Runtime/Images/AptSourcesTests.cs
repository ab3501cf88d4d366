using Hearth.Runtime.Images;

namespace Hearth.Server.Tests.Runtime.Images;

/// <summary>Finding the host's Debian mirror in fake /etc/apt trees (sources.list(5) one-line and deb822 forms).</summary>
public sealed class AptSourcesTests : IDisposable
{
    private readonly TempDirectory apt = new();

    public void Dispose() => apt.Dispose();

    private string? Find() => AptSources.FindDebianMirror(apt.Path);

    [Fact]
    public void One_line_sources_list()
    {
        apt.Write("sources.list", """
            # the main archive
            deb http://mirror.example.org/debian bookworm main contrib
            deb-src http://src.example.org/debian bookworm main
            """);

        Assert.Equal("http://mirror.example.org/debian", Find());
    }

    [Fact]
    public void The_security_archive_is_skipped_wherever_it_comes()
    {
        apt.Write("sources.list", """
            deb http://security.debian.org/debian-security bookworm-security main
            deb http://security.debian.org/debian-security bullseye/updates main
            deb http://mirror.example.org/debian/ bookworm main
            """);

        Assert.Equal("http://mirror.example.org/debian", Find());
    }

    [Fact]
    public void An_options_block_and_a_trailing_comment_are_ignored()
    {
        apt.Write("sources.list", """
            deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] https://deb.example.net/debian bookworm main # fast one
            """);

        Assert.Equal("https://deb.example.net/debian", Find());
    }

    [Fact]
    public void Deb822_sources_files_as_debian_12_installs_them()
    {
        // /etc/apt/sources.list.d/debian.sources of a fresh Debian 12, security stanza first.
        apt.Write("sources.list.d/debian.sources", """
            Types: deb
            # http://snapshot.debian.org/archive/debian-security/20250520T000000Z
            URIs: http://mirror.example/debian-security
            Suites: bookworm-security
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb
            # http://snapshot.debian.org/archive/debian/20250520T000000Z
            URIs: http://mirror.example/debian
            Suites: bookworm bookworm-updates
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
            """);

        Assert.Equal("http://mirror.example/debian", Find());
    }

    [Fact]
    public void Deb822_stanzas_that_are_disabled_or_source_only_are_skipped()
    {
        apt.Write("sources.list.d/a.sources", """
            Types: deb-src
            URIs: http://src.example.org/debian
            Suites: bookworm

            Enabled: no
            Types: deb
            URIs: http://disabled.example.org/debian
            Suites: bookworm

            Types: deb deb-src
            URIs: http://cdn.example.org/debian
            Suites: stable
            """);

        Assert.Equal("http://cdn.example.org/debian", Find());
    }

    [Fact]
    public void Local_file_sources_are_skipped()
    {
        apt.Write("sources.list", """
            deb file:/srv/local-repo bookworm main
            deb http://mirror.example.org/debian bookworm main
            """);

        Assert.Equal("http://mirror.example.org/debian", Find());
    }

    [Fact]
    public void A_cdrom_source_is_skipped_although_its_uri_has_brackets_like_an_options_block()
    {
        // What the Debian installer leaves active after an install from DVD: the URI itself holds [...].
        apt.Write("sources.list", """
            deb cdrom:[Debian GNU/Linux 12.5.0 _Bookworm_ - Official amd64 DVD Binary-1 20240210-11:28]/ bookworm contrib main
            deb http://mirror.example.org/debian bookworm main
            """);

        Assert.Equal("http://mirror.example.org/debian", Find());
    }

    [Fact]
    public void Sources_list_comes_before_the_files_of_sources_list_d_which_are_read_in_order()
    {
        apt.Write("sources.list.d/b.list", "deb http://b.example.org/debian bookworm main\n");
        apt.Write("sources.list.d/a.list", "deb http://a.example.org/debian bookworm main\n");
        apt.Write("sources.list.d/notes.txt", "deb http://ignored.example.org/debian bookworm main\n");

        Assert.Equal("http://a.example.org/debian", Find());

        apt.Write("sources.list", "deb http://main.example.org/debian bookworm main\n");
        Assert.Equal("http://main.example.org/debian", Find());
    }

    [Fact]
    public void Third_party_repositories_of_other_suites_are_not_a_debian_mirror()
    {
        apt.Write("sources.list.d/nodesource.list", "deb https://deb.nodesource.com/node_20.x nodistro main\n");
        apt.Write("sources.list.d/updates.list", "deb http://mirror.example.org/debian bookworm-updates main\n");

        Assert.Null(Find());
    }

    [Fact]
    public void No_sources_at_all_is_null()
    {
        Assert.Null(Find());
        Assert.Null(AptSources.FindDebianMirror(Path.Combine(apt.Path, "does-not-exist")));
    }

    [Fact]
    public void Fields_of_a_one_line_entry_may_be_separated_by_tabs_as_apt_accepts()
    {
        // apt splits one-line entries on any whitespace (sources.list(5)); a tab-separated line is a valid source.
        apt.Write("sources.list", "deb\thttp://mirror.example.org/debian\tbookworm\tmain\n");

        Assert.Equal("http://mirror.example.org/debian", Find());
    }
}
