// Every test here drives real containers through a real hearthd: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
