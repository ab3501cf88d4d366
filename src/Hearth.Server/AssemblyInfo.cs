// hearthd drives Linux namespaces, cgroups and mounts through Hearth.Runtime: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
