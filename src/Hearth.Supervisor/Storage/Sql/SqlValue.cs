namespace Hearth.Supervisor.Storage.Sql;

/// <summary>
/// One statement parameter, <c>$1</c>, <c>$2</c> and so on in the order given. It converts from the values the
/// records hold; <see cref="Json"/> marks text that is a JSON document.
/// </summary>
internal readonly record struct SqlValue(object? Value, SqlValueKind Kind)
{
    public static implicit operator SqlValue(string? value) => new(value, SqlValueKind.Text);

    public static implicit operator SqlValue(long? value) => new(value, SqlValueKind.Plain);

    public static implicit operator SqlValue(int? value) => new(value, SqlValueKind.Plain);

    public static implicit operator SqlValue(bool value) => new(value, SqlValueKind.Plain);

    public static implicit operator SqlValue(byte[] value) => new(value, SqlValueKind.Plain);

    public static implicit operator SqlValue(DateTimeOffset? value) => new(value, SqlValueKind.Time);

    public static SqlValue Json(string text) => new(text, SqlValueKind.Json);
}
