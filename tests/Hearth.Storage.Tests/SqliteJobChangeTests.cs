namespace Hearth.Storage.Tests;

public sealed class SqliteJobChangeTests() : JobChangeContract(new SqliteTestStores());
