namespace Hearth.Supervisor.Storage.Sql;

/// <summary>What kind of column a <see cref="SqlValue"/> goes to, which decides how the dialect encodes it.</summary>
internal enum SqlValueKind
{
    /// <summary>A number, boolean or byte array, or a null the database types from the statement.</summary>
    Plain,

    /// <summary>Text, possibly null.</summary>
    Text,

    /// <summary>A point in time, possibly null, kept to the millisecond.</summary>
    Time,

    /// <summary>A JSON document written as text.</summary>
    Json,
}
