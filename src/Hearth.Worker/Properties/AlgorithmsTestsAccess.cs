using System.Runtime.CompilerServices;

// The instance runner and build code are internal; their tests drive them directly.
[assembly: InternalsVisibleTo("Hearth.Algorithms.Tests")]
