namespace Hearth.Agent.Tests.Infrastructure;

/// <summary>Every await in these tests is bounded: a hang fails the test instead of stalling the run.</summary>
internal static class Bounded
{
    /// <summary>One request to the agent, or one command in the container.</summary>
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(30);

    /// <summary>Starting or stopping a container.</summary>
    public static readonly TimeSpan Container = TimeSpan.FromSeconds(60);

    public static Task<T> Within<T>(this Task<T> task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Request);

    public static Task Within(this Task task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Request);
}
