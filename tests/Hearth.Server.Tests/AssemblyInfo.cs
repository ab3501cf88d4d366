// hearthd and Hearth.Runtime are Linux-only assemblies.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
