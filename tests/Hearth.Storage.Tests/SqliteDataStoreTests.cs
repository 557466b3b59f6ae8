namespace Hearth.Storage.Tests;

public sealed class SqliteDataStoreTests() : DataStoreContract(new SqliteTestStores());
