using System.Text;
using System.Text.Json;
using Hearth.Agent.Tests.Infrastructure;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Tests.Files;

/// <summary>Runs the agent's file operations (<c>fs.*</c>) and shell commands in a test container.</summary>
internal sealed class FileOps(AgentClient client)
{
    /// <summary>Runs <paramref name="op"/> to its end, sending <paramref name="input"/> (then stdin-close) when given.</summary>
    public async Task<OpResult> RunAsync(string op, object args, byte[]? input = null)
    {
        var operation = await client.StartOperationAsync(op, JsonSerializer.SerializeToElement(args, JsonOptions));
        if (input is not null)
        {
            for (var offset = 0; offset < input.Length; offset += 64 * 1024)
                await operation.WriteStdinAsync(input[offset..Math.Min(input.Length, offset + 64 * 1024)]);
            await operation.CloseStdinAsync();
        }

        var end = await operation.WaitForEndAsync(TimeSpan.FromMinutes(2));
        return new OpResult(end, operation.Stdout, [.. operation.Events]);
    }

    /// <summary>Runs <c>sh -c</c> in the container; its stdout, failing the test on a non-zero exit.</summary>
    public async Task<string> ShAsync(string script)
    {
        var process = await client.SpawnAsync(["sh", "-c", script]);
        var exit = await process.WaitForEndAsync();
        Assert.True(exit.ExitCode == 0, $"`{script}` exited {exit.ExitCode}: {process.StderrText}");
        return process.StdoutText;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

/// <summary>How an operation ended, with its data frames and events.</summary>
internal sealed record OpResult(AgentMessage End, byte[] Data, List<AgentMessage> Events)
{
    public bool Ok => End.Op == "result";

    public string Text => Encoding.UTF8.GetString(Data);

    public JsonElement Result => End.Result ?? throw new InvalidOperationException($"{End.Op} {End.Error}: {End.Message}");

    /// <summary>Asserts the operation failed with <paramref name="code"/>.</summary>
    public OpResult Fails(string code)
    {
        Assert.True(End.Op == "error" && End.Error == code, $"expected error {code}, got {End.Op} {End.Error}: {End.Message}");
        return this;
    }

    public OpResult Succeeds()
    {
        Assert.True(Ok, $"expected a result, got {End.Op} {End.Error}: {End.Message}");
        return this;
    }
}
