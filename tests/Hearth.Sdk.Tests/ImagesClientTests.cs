using System.IO.Pipes;
using System.Net;
using System.Text;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests;

public sealed class ImagesClientTests
{
    private const string ImageJson = """{"id":"127.0.0.1:5000/demo:1","label":"127.0.0.1:5000/demo:1","category":"custom","image":"127.0.0.1:5000/demo:1","source":"registry","layers":["aa","bb"],"digest":"sha256:cc","status":"ready","size_bytes":2048}""";

    /// <summary>Records each step synchronously (a <see cref="Progress{T}"/> would post them to the thread pool, out of order).</summary>
    private sealed class Steps : IProgress<string>
    {
        public List<string> Seen { get; } = [];

        public TaskCompletionSource First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Report(string value)
        {
            Seen.Add(value);
            First.TrySetResult();
        }
    }

    private static FakeHandler Ndjson(params string[] lines) =>
        new(HttpStatusCode.OK, string.Join('\n', lines) + "\n", "application/x-ndjson");

    [Fact]
    public async Task List_reads_the_catalogue()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, WireSamples.Images);
        using var client = TestClients.Create(handler);

        var catalogue = await client.Workspaces.Images.ListAsync().Within();

        Assert.Equal(HttpMethod.Get, handler.Single.Method);
        Assert.Equal("/workspace/images", handler.Single.PathAndQuery);
        var image = Assert.Single(catalogue.Images);
        Assert.Equal("node-20", image.Id);
        Assert.Equal(256, image.MinimumMemoryMb);
        Assert.Equal("lang", Assert.Single(catalogue.Categories).Id);
    }

    [Fact]
    public async Task Get_of_a_reference_keeps_its_slashes_and_escapes_the_rest()
    {
        var handler = new FakeHandler(HttpStatusCode.OK, $$"""{"success":true,"image":{{ImageJson}}}""");
        using var client = TestClients.Create(handler);

        var image = await client.Workspaces.Images.GetAsync("127.0.0.1:5000/team/demo:1").Within();

        Assert.Equal("/workspace/images/127.0.0.1%3A5000/team/demo%3A1", handler.Single.Uri.AbsolutePath);
        Assert.Equal("registry", image.Source);
        Assert.Equal(["aa", "bb"], image.Layers);
        Assert.Equal("sha256:cc", image.Digest);
        await Assert.ThrowsAsync<ArgumentException>(() => client.Workspaces.Images.GetAsync("a/../b"));
    }

    [Fact]
    public async Task Get_of_an_unknown_image_is_not_found()
    {
        using var client = TestClients.Create(new FakeHandler(HttpStatusCode.NotFound, WireSamples.Error("not_found", "image nope not found")));

        var error = await Assert.ThrowsAsync<HearthNotFoundException>(() => client.Workspaces.Images.GetAsync("nope").Within());
        Assert.Equal("not_found", error.Code);
    }

    [Fact]
    public async Task Pull_reports_every_step_and_returns_the_final_image()
    {
        var handler = Ndjson(
            """{"step":"pulling 127.0.0.1:5000/demo:1","seconds":0}""",
            "",
            """{"step":"layer 1/2 aaaaaaaaaaaa: 3 files, 0.1 MiB","seconds":0.4}""",
            $$"""{"success":true,"seconds":0.9,"image":{{ImageJson}}}""");
        using var client = TestClients.Create(handler);
        var steps = new Steps();

        var image = await client.Workspaces.Images.PullAsync("127.0.0.1:5000/demo:1", steps).Within();

        Assert.Equal(["pulling 127.0.0.1:5000/demo:1", "layer 1/2 aaaaaaaaaaaa: 3 files, 0.1 MiB"], steps.Seen);
        Assert.Equal("127.0.0.1:5000/demo:1", image.Id);
        Assert.Equal(HttpMethod.Post, handler.Single.Method);
        Assert.Equal("/workspace/images/pull", handler.Single.PathAndQuery);
        Assert.Equal("""{"reference":"127.0.0.1:5000/demo:1"}""", handler.Single.Body);
    }

    [Fact]
    public async Task A_step_is_reported_while_the_server_is_still_working()
    {
        var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        var reading = new AnonymousPipeClientStream(PipeDirection.In, pipe.ClientSafePipeHandle);
        var handler = new FakeHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(reading) }));
        using var client = TestClients.Create(handler);
        var steps = new Steps();

        var build = client.Workspaces.Images.BuildAsync("busybox", rebuild: true, steps);
        await pipe.WriteAsync(Encoding.UTF8.GetBytes("""{"step":"rebuilding busybox: 1 layers","seconds":0}""" + "\n"));
        await pipe.FlushAsync();
        await steps.First.Task.Within();
        Assert.False(build.IsCompleted, "the outcome has not been written yet");

        await pipe.WriteAsync(Encoding.UTF8.GetBytes("""{"success":true,"seconds":1.5,"image":{"id":"busybox","label":"BusyBox","category":"os","image":"busybox","status":"ready"}}""" + "\n"));
        await pipe.DisposeAsync();
        var image = await build.Within();

        Assert.Equal("busybox", image.Id);
        Assert.Equal("/workspace/images/busybox/build?rebuild=true", handler.Single.PathAndQuery);
        Assert.Equal(["rebuilding busybox: 1 layers"], steps.Seen);
    }

    [Theory]
    [InlineData("invalid_archive", typeof(HearthValidationException), HttpStatusCode.BadRequest)]
    [InlineData("invalid_layer", typeof(HearthValidationException), HttpStatusCode.BadRequest)]
    [InlineData("digest_mismatch", typeof(HearthValidationException), HttpStatusCode.BadRequest)]
    [InlineData("invalid_image", typeof(HearthValidationException), HttpStatusCode.BadRequest)]
    [InlineData("conflict", typeof(HearthConflictException), HttpStatusCode.Conflict)]
    [InlineData("registry_auth_failed", typeof(HearthApiException), HttpStatusCode.BadGateway)]
    [InlineData("image_build_failed", typeof(HearthApiException), HttpStatusCode.InternalServerError)]
    public async Task A_failed_final_line_is_the_exception_its_status_would_raise(string code, Type type, HttpStatusCode status)
    {
        using var client = TestClients.Create(Ndjson(
            """{"step":"reading the archive","seconds":0}""",
            $$"""{"success":false,"seconds":0.1,"error":"{{code}}","message":"it went wrong"}"""));

        using var archive = new MemoryStream([1, 2, 3]);
        var error = await Assert.ThrowsAnyAsync<HearthApiException>(() => client.Workspaces.Images.ImportAsync(archive, "app:1").Within());

        Assert.IsType(type, error);
        Assert.Equal(code, error.Code);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal("it went wrong", error.Message);
    }

    [Fact]
    public async Task Import_streams_the_archive_with_its_name_and_leaves_the_stream_open()
    {
        var handler = Ndjson($$"""{"success":true,"seconds":0.2,"image":{{ImageJson}}}""");
        using var client = TestClients.Create(handler);
        using var archive = new MemoryStream([1, 2, 3, 4]);

        await client.Workspaces.Images.ImportAsync(archive, "team/app:1").Within();

        Assert.Equal("/workspace/images/import?name=team%2Fapp%3A1", handler.Single.PathAndQuery);
        Assert.Equal([1, 2, 3, 4], handler.Single.BodyBytes);
        Assert.True(archive.CanRead);
    }

    [Fact]
    public async Task A_stream_that_ends_without_an_outcome_is_a_network_error()
    {
        using var client = TestClients.Create(Ndjson("""{"step":"pulling","seconds":0}"""));

        var error = await Assert.ThrowsAsync<HearthApiException>(() => client.Workspaces.Images.PullAsync("127.0.0.1:1/x:1").Within());
        Assert.Equal(HearthApiException.NetworkErrorCode, error.Code);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task A_refusal_before_work_starts_is_the_ordinary_envelope()
    {
        using var client = TestClients.Create(new FakeHandler(HttpStatusCode.BadRequest, WireSamples.Error("invalid_archive", "the body is empty")));

        using var empty = new MemoryStream();
        var error = await Assert.ThrowsAsync<HearthValidationException>(() => client.Workspaces.Images.ImportAsync(empty).Within());
        Assert.Equal("invalid_archive", error.Code);
    }

    [Fact]
    public async Task Remove_and_prune_call_their_endpoints()
    {
        var handler = FakeHandler.Routes(
            ("DELETE /workspace/images/127.0.0.1%3A5000/demo%3A1", HttpStatusCode.OK, WireSamples.Success),
            ("POST /workspace/images/prune", HttpStatusCode.OK, """{"success":true,"removed_layers":3,"freed_bytes":4096}"""));
        using var client = TestClients.Create(handler);

        await client.Workspaces.Images.RemoveAsync("127.0.0.1:5000/demo:1").Within();
        var pruned = await client.Workspaces.Images.PruneAsync().Within();

        Assert.Equal(3, pruned.RemovedLayers);
        Assert.Equal(4096, pruned.FreedBytes);
        Assert.Equal(2, handler.Requests.Count);
    }
}
