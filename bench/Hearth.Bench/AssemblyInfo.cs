// The bench drives crun, loop devices, namespaces and mounts: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
