namespace Hearth.Storage.Tests;

public sealed class SqliteJobQueryTests() : JobQueryContract(new SqliteTestStores());
