namespace Hearth.Core.Placement;

/// <summary>An attempt to over-commit or to release what is not held; the ledger is left unchanged.</summary>
public sealed class LedgerException(string message) : InvalidOperationException(message);
