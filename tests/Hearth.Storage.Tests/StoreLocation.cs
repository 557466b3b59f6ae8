using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>Where a test's store lives: opening it again gives another backend over the same data.</summary>
public sealed record StoreLocation(string Description, Func<IStorageBackend> Open);
