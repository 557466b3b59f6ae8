namespace Hearth.Storage.Tests;

public sealed class SqliteStoreClaimTests() : StoreClaimContract(new SqliteTestStores());
