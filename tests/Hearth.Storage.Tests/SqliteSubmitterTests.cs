namespace Hearth.Storage.Tests;

public sealed class SqliteSubmitterTests() : SubmitterContract(new SqliteTestStores());
