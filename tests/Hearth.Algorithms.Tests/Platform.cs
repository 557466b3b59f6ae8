using System.Runtime.Versioning;

// Instances talk over FIFOs and builds keep Unix modes: these tests run where workers run.
[assembly: SupportedOSPlatform("linux")]
