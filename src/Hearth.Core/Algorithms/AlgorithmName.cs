namespace Hearth.Core.Algorithms;

/// <summary>An algorithm's full name, <c>OWNER/NAME</c>, where OWNER is the account that holds it.</summary>
public readonly record struct AlgorithmName(string Owner, string Name)
{
    public static AlgorithmName Parse(string text) =>
        TryParse(text, out var name, out var error) ? name : throw new AlgorithmFormatException(error!);

    public static bool TryParse(string? text, out AlgorithmName name, out string? error)
    {
        name = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash < 0 || text.IndexOf('/', slash + 1) >= 0)
        {
            error = $"algorithm \"{text}\" must be written OWNER/NAME";
            return false;
        }

        error = Names.Why(text[..slash], "owner") ?? Names.Why(text[(slash + 1)..], "algorithm name");
        if (error is not null)
        {
            error = $"algorithm \"{text}\": {error}";
            return false;
        }

        name = new AlgorithmName(text[..slash], text[(slash + 1)..]);
        return true;
    }

    public override string ToString() => $"{Owner}/{Name}";
}
