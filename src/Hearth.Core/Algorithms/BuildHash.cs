namespace Hearth.Core.Algorithms;

/// <summary>A build's identity: 40 hexadecimal digits, a git commit or a content hash. Stored in lower case.</summary>
public static class BuildHash
{
    public const int Length = 40;

    public static bool IsValid(string? text) => text is { Length: Length } && text.All(char.IsAsciiHexDigit);

    public static string Normalize(string text) => text.ToLowerInvariant();

    /// <summary>The hash in lower case, or an error naming what is wrong.</summary>
    public static string Parse(string? text) => IsValid(text)
        ? Normalize(text!)
        : throw new AlgorithmFormatException($"hash \"{text}\" is not 40 hexadecimal digits");
}
