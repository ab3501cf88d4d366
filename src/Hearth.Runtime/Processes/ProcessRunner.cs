using System.Diagnostics;
using System.Text;

namespace Hearth.Runtime.Processes;

/// <summary>The real <see cref="IProcessRunner"/>, on <see cref="Process"/>.</summary>
internal sealed class ProcessRunner : IProcessRunner
{
    public async Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(request.File)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            UseShellExecute = false,
        };
        foreach (var argument in request.Arguments)
            info.ArgumentList.Add(argument);
        if (request.Environment is not null)
            foreach (var (key, value) in request.Environment)
                info.Environment[key] = value;

        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data, request.OnLine);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data, request.OnLine);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RuntimeException("host_tool_missing", $"cannot run {request.File}: {e.Message}", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (request.StandardInput is { } input)
        {
            try { await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken); }
            catch (IOException) { } // the program exited without reading: its exit code says why
        }
        process.StandardInput.Close();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(request.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new RuntimeException("host_tool_timeout", $"{request} did not finish within {request.Timeout.TotalSeconds:0.#} s");
        }
        return new ProcessResult(process.ExitCode, Complete(stdout), Complete(stderr));
    }

    private static void Append(StringBuilder buffer, string? line, Action<string>? onLine)
    {
        if (line is null) return;
        lock (buffer) buffer.AppendLine(line);
        onLine?.Invoke(line);
    }

    private static string Complete(StringBuilder buffer)
    {
        lock (buffer) return buffer.ToString();
    }
}
