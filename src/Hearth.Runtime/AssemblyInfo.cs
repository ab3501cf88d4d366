// Hearth runs workspaces with Linux namespaces, cgroups and loop devices: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
