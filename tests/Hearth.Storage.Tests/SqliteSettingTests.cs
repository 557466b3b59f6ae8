namespace Hearth.Storage.Tests;

public sealed class SqliteSettingTests() : SettingContract(new SqliteTestStores());
