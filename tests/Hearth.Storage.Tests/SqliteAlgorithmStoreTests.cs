namespace Hearth.Storage.Tests;

public sealed class SqliteAlgorithmStoreTests() : AlgorithmStoreContract(new SqliteTestStores());
