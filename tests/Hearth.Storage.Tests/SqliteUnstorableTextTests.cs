namespace Hearth.Storage.Tests;

public sealed class SqliteUnstorableTextTests() : UnstorableTextContract(new SqliteTestStores());
