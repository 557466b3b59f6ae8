namespace Hearth.Core.Algorithms;

/// <summary>How a call's input and an algorithm's result are typed: JSON, UTF-8 text or bytes (base64 on the pipe).</summary>
public enum PayloadType
{
    Json,
    Text,
    Binary,
}
