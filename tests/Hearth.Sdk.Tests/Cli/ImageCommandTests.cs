using System.Net;
using System.Text.Json;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Cli;

public sealed class ImageCommandTests
{
    private const string CatalogueWithCustom = """
        { "success": true,
          "images": [
            { "id": "busybox", "label": "BusyBox", "category": "os", "image": "busybox", "source": "catalog", "status": "ready",
              "size_bytes": 2202009, "layers": ["aa"], "software": ["busybox 1.35.0"] },
            { "id": "python-3.12", "label": "python-3.12 (alias of python-3.13)", "category": "runtime", "image": "python-3.12",
              "source": "alias", "alias_of": "python-3.13", "status": "missing" },
            { "id": "127.0.0.1:5000/demo:1", "label": "127.0.0.1:5000/demo:1", "category": "custom", "image": "127.0.0.1:5000/demo:1",
              "source": "registry", "status": "ready", "size_bytes": 512, "layers": ["aa", "bb"], "digest": "sha256:cc" }],
          "categories": [] }
        """;

    [Fact]
    public async Task Ls_prints_name_source_status_size_layers_software_and_an_alias_target()
    {
        var run = await new CliHarness(new FakeHandler(HttpStatusCode.OK, CatalogueWithCustom)).RunAsync("image", "ls");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "SOURCE", "STATUS", "SIZE", "LAYERS", "SOFTWARE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["busybox", "catalog", "ready", "2.1M", "1", "busybox", "1.35.0"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["python-3.12", "->", "python-3.13", "alias", "missing", "-", "-", "-"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["127.0.0.1:5000/demo:1", "registry", "ready", "512B", "2", "-"], lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(lines[0].IndexOf("SOURCE", StringComparison.Ordinal), lines[3].IndexOf("registry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_images_alias_and_json_give_the_wire_document()
    {
        var run = await new CliHarness(new FakeHandler(HttpStatusCode.OK, CatalogueWithCustom)).RunAsync("images", "ls", "--json");

        Assert.Equal(0, run.ExitCode);
        using var document = JsonDocument.Parse(run.Out);
        Assert.Equal("python-3.13", document.RootElement.GetProperty("images")[1].GetProperty("alias_of").GetString());
    }

    [Fact]
    public async Task Pull_prints_each_step_with_its_seconds_then_the_image()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, """
            {"step":"pulling 127.0.0.1:5000/demo:1","seconds":0}
            {"step":"layer 1/2 aaaaaaaaaaaa: 3 files, 0.1 MiB in 0.0 s","seconds":0.2}
            {"success":true,"seconds":0.3,"image":{"id":"127.0.0.1:5000/demo:1","label":"x","category":"custom","image":"127.0.0.1:5000/demo:1","source":"registry","status":"ready","size_bytes":2048,"layers":["aa","bb"],"digest":"sha256:cc"}}
            """, "application/x-ndjson");

        var run = await new CliHarness(handler).RunAsync("image", "pull", "127.0.0.1:5000/demo:1");

        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^ +\d+\.\ds  pulling 127\.0\.0\.1:5000/demo:1$", lines[0]);
        Assert.Matches(@"^ +\d+\.\ds  layer 1/2 aaaaaaaaaaaa: ", lines[1]);
        Assert.Equal("127.0.0.1:5000/demo:1: ready, 2 layers, 2.0K, sha256:cc", lines[2]);
        Assert.Equal("""{"reference":"127.0.0.1:5000/demo:1"}""", handler.Single.Body);
    }

    [Fact]
    public async Task A_failed_import_exits_1_with_the_error_line_and_the_steps_before_it()
    {
        var archive = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".tar");
        await File.WriteAllBytesAsync(archive, [1, 2, 3]);
        try
        {
            var handler = new FakeHandler(HttpStatusCode.OK, """
                {"step":"reading the archive","seconds":0}
                {"success":false,"seconds":0.1,"error":"invalid_archive","message":"the archive is truncated"}
                """, "application/x-ndjson");

            var run = await new CliHarness(handler).RunAsync("image", "import", archive, "--name", "app:1");

            Assert.Equal(1, run.ExitCode);
            Assert.Contains("reading the archive", run.Out, StringComparison.Ordinal);
            Assert.Equal("error: the archive is truncated (invalid_archive)\n", run.Error.ReplaceLineEndings("\n"));
            Assert.Equal("/workspace/images/import?name=app%3A1", handler.Single.PathAndQuery);
            Assert.Equal([1, 2, 3], handler.Single.BodyBytes);
        }
        finally
        {
            File.Delete(archive);
        }
    }

    [Fact]
    public async Task Import_of_a_missing_file_fails_without_a_call()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, "");
        var run = await new CliHarness(handler).RunAsync("image", "import", "/nonexistent/archive.tar");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: cannot read /nonexistent/archive.tar", run.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Build_json_keeps_stdout_to_one_document_and_steps_on_stderr()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, """
            {"step":"rebuilding busybox: 1 layers","seconds":0}
            {"success":true,"seconds":0.3,"image":{"id":"busybox","label":"BusyBox","category":"os","image":"busybox","status":"ready"}}
            """, "application/x-ndjson");

        var run = await new CliHarness(handler).RunAsync("image", "build", "busybox", "--rebuild", "--json");

        Assert.Equal(0, run.ExitCode);
        using var document = JsonDocument.Parse(run.Out);
        Assert.Equal("busybox", document.RootElement.GetProperty("image").GetProperty("id").GetString());
        Assert.Contains("rebuilding busybox", run.Error, StringComparison.Ordinal);
        Assert.Equal("/workspace/images/busybox/build?rebuild=true", handler.Single.PathAndQuery);
    }

    [Fact]
    public async Task Rm_goes_on_past_a_failure_and_prune_prints_what_it_freed()
    {
        var handler = FakeHandler.Routes(
            ("DELETE /workspace/images/app%3A1", HttpStatusCode.OK, WireSamples.Success),
            ("POST /workspace/images/prune", HttpStatusCode.OK, """{"success":true,"removed_layers":2,"freed_bytes":3145728}"""));

        var rm = await new CliHarness(handler).RunAsync("image", "rm", "nope", "app:1");
        Assert.Equal(1, rm.ExitCode);
        Assert.Equal("app:1\n", rm.Out.ReplaceLineEndings("\n"));
        Assert.Contains("(not_found)", rm.Error, StringComparison.Ordinal);

        var prune = await new CliHarness(handler).RunAsync("image", "prune");
        Assert.Equal(0, prune.ExitCode);
        Assert.Equal("removed 2 layers, freed 3.0M\n", prune.Out.ReplaceLineEndings("\n"));
    }
}
