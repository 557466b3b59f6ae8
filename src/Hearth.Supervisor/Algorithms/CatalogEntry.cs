using Hearth.Core.Algorithms;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Algorithms;

/// <summary>An algorithm as the call path needs it: the resolver's view and each build's stored record.</summary>
internal sealed record CatalogEntry(AlgorithmEntry Entry, IReadOnlyDictionary<string, BuildRecord> Builds, DateTimeOffset CreatedAt);
