namespace Hearth.Sdk.Tests.Fakes;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class MovableTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
