namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>Every await in these tests is bounded: a hang fails the test instead of stalling the run.</summary>
internal static class Bounded
{
    /// <summary>One API call or one command inside a workspace.</summary>
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(60);

    /// <summary>A create (image already built, disk, mounts, crun run) or a start.</summary>
    public static readonly TimeSpan Create = TimeSpan.FromMinutes(2);

    /// <summary>Starting or stopping a hearthd process, including the cleanup of what its tests left.</summary>
    public static readonly TimeSpan Daemon = TimeSpan.FromMinutes(3);

    public static Task<T> Within<T>(this Task<T> task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Request);

    public static Task Within(this Task task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Request);
}
