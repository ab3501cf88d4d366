// Every test here runs the agent in a real crun container: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
