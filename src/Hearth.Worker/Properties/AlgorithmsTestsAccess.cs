using System.Runtime.CompilerServices;

// The instance runner and build code are internal; their tests drive them directly.
[assembly: InternalsVisibleTo("Hearth.Algorithms.Tests")]

// The CLI (assembly "hearth") packages builds for `algo push` with the worker's build code.
[assembly: InternalsVisibleTo("hearth")]
