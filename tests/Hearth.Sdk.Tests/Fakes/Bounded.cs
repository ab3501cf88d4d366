namespace Hearth.Sdk.Tests.Fakes;

/// <summary>Every await in these tests is bounded: a hang fails the test instead of the run.</summary>
internal static class Bounded
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Within(this Task task) => task.WaitAsync(Timeout);
}
