namespace Hearth.Storage.Tests;

public sealed class SqliteKeyStoreTests() : KeyStoreContract(new SqliteTestStores());
