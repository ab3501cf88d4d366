namespace Hearth.Bench;

/// <summary>A step of the bench could not run; the message says which and why.</summary>
internal sealed class BenchException(string message) : Exception(message);
