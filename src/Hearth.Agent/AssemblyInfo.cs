// PID 1 of a Linux container: posix_spawn, pipes, poll and Unix sockets, nothing else.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
