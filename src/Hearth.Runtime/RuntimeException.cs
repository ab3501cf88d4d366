namespace Hearth.Runtime;

/// <summary>The failure of a host operation, with a stable code for the API's error envelope.</summary>
internal sealed class RuntimeException : Exception
{
    public RuntimeException(string code, string message, Exception? inner = null) : base(message, inner) => Code = code;

    /// <summary>A machine code such as <c>host_command_failed</c>.</summary>
    public string Code { get; }
}
