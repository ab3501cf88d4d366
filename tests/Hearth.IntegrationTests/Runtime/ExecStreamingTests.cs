using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Hearth.IntegrationTests.Runtime;

/// <summary>Exec output at scale: exact bytes, bounded memory in hearthd, slow clients, clients that leave.</summary>
public sealed class ExecStreamingTests(HearthdFixture fixture, ITestOutputHelper output) : IClassFixture<HearthdFixture>
{
    private const long HundredMiB = 100L * 1024 * 1024;

    // The RSS bounds below leave room for the GC's allocation budget (hearthd allocates each
    // chunk, its base64 and its SSE line, and collects lazily): growth is not retention. What
    // they rule out is holding the output, which is 100 MiB raw and a third more as base64.

    [Fact]
    public async Task A_100_MiB_stream_arrives_whole_while_hearthd_memory_stays_bounded()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        var before = RssMiB(fixture.Hearthd.Pid);
        using var sampler = new RssSampler(fixture.Hearthd.Pid);

        var clock = Stopwatch.StartNew();
        var (bytes, exit) = await ReadStreamAsync(gateway, $"head -c {HundredMiB} /dev/urandom", pauseAfterFirstChunk: TimeSpan.Zero);

        output.WriteLine($"100 MiB in {clock.Elapsed.TotalSeconds:F1} s; hearthd RSS {before} MiB before, peak {sampler.PeakMiB} MiB");
        Assert.Equal(HundredMiB, bytes);
        Assert.Equal(0, exit);
        Assert.True(sampler.PeakMiB - before < 128, $"hearthd grew from {before} to {sampler.PeakMiB} MiB");
    }

    [Fact]
    public async Task A_slow_client_slows_the_process_down_instead_of_filling_memory()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        var before = RssMiB(fixture.Hearthd.Pid);
        using var sampler = new RssSampler(fixture.Hearthd.Pid);

        // The writer records how far it got; while the client sleeps it must be stuck in write(2).
        var reading = ReadStreamAsync(gateway, "i=0; while [ $i -lt 3000 ]; do head -c 65536 /dev/zero; i=$((i+1)); echo $i > /tmp/progress; done",
            pauseAfterFirstChunk: TimeSpan.FromSeconds(3));
        await Task.Delay(2500);
        var stalledAt = int.Parse((await gateway.ShAsync("cat /tmp/progress")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var (bytes, exit) = await reading;

        output.WriteLine($"writer at chunk {stalledAt} of 3000 while the client slept; hearthd RSS {before} -> peak {sampler.PeakMiB} MiB");
        Assert.True(stalledAt < 600, $"the writer got to chunk {stalledAt} (of 3000) while nobody read");
        Assert.Equal(3000L * 65536, bytes);
        Assert.Equal(0, exit);
        Assert.True(sampler.PeakMiB - before < 128, $"hearthd grew from {before} to {sampler.PeakMiB} MiB");
    }

    [Fact]
    public async Task Binary_output_survives_byte_for_byte()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        var expected = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var script = string.Concat(expected.Select(b => $"\\{Convert.ToString(b, 8).PadLeft(3, '0')}"));

        var received = new MemoryStream();
        await foreach (var (name, data) in EventsAsync(gateway, $"printf '{script}'"))
            if (name == "stdout") received.Write(Convert.FromBase64String(data.GetProperty("data").GetString()!));

        Assert.Equal(expected, received.ToArray());
    }

    [Fact]
    public async Task A_client_that_leaves_does_not_kill_its_task_and_can_attach_again()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd);
        string? taskId = null;
        using (var cancel = new CancellationTokenSource())
        {
            try
            {
                await foreach (var (name, data) in EventsAsync(gateway, "echo started; sleep 2; echo finished > /tmp/left", cancel.Token))
                {
                    if (name == "task_id") taskId = data.GetProperty("task_id").GetString();
                    if (name == "stdout") await cancel.CancelAsync();
                }
            }
            catch (OperationCanceledException)
            {
                // The client hung up on purpose.
            }
        }

        Assert.NotNull(taskId);
        await Task.Delay(3000);
        Assert.Equal("finished\n", await gateway.ShAsync("cat /tmp/left"));
        var replay = new List<string>();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/exec/stream?task_id={taskId}");
        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        // A finished task is replayed as Oblien does: one `output` event with the text, then `exit`.
        Assert.Contains("event: output\ndata: {\"stdout\":\"started\\n\",\"stderr\":\"\"}", text, StringComparison.Ordinal);
        Assert.Contains("event: exit", text, StringComparison.Ordinal);
    }

    private static async Task<(long Bytes, int Exit)> ReadStreamAsync(RuntimeGatewayClient gateway, string script, TimeSpan pauseAfterFirstChunk)
    {
        long bytes = 0;
        var exit = -1;
        var paused = false;
        await foreach (var (name, data) in EventsAsync(gateway, script))
        {
            if (name is "stdout" or "stderr") bytes += Convert.FromBase64String(data.GetProperty("data").GetString()!).Length;
            if (name == "exit") exit = data.GetProperty("exit_code").GetInt32();
            if (!paused && bytes > 0 && pauseAfterFirstChunk > TimeSpan.Zero)
            {
                paused = true;
                await Task.Delay(pauseAfterFirstChunk);
            }
        }
        return (bytes, exit);
    }

    private static async IAsyncEnumerable<(string Name, JsonElement Data)> EventsAsync(RuntimeGatewayClient gateway, string script,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/exec/stream")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { cmd = new[] { "sh", "-c", script } }), Encoding.UTF8, "application/json"),
        };
        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? name = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
            {
                using var json = JsonDocument.Parse(line[6..]);
                yield return (name, json.RootElement.Clone());
            }
        }
    }

    private static long RssMiB(int pid) => RssSampler.Read(pid);

    /// <summary>Samples a process's VmRSS every 50 ms and keeps the peak.</summary>
    private sealed class RssSampler : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private long peak;

        public RssSampler(int pid)
        {
            peak = Read(pid);
            loop = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var now = Read(pid);
                    if (now > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, now);
                    await Task.Delay(50);
                }
            });
        }

        public long PeakMiB => Interlocked.Read(ref peak);

        public static long Read(int pid)
        {
            var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }

        public void Dispose()
        {
            stop.Cancel();
            loop.Wait();
            stop.Dispose();
        }
    }
}
