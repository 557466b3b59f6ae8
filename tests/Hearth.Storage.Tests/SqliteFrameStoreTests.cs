namespace Hearth.Storage.Tests;

public sealed class SqliteFrameStoreTests() : FrameStoreContract(new SqliteTestStores());
