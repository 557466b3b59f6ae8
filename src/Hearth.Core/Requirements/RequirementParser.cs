using System.Globalization;
using Hearth.Core.Resources;

namespace Hearth.Core.Requirements;

/// <summary>
/// Reads a requirements expression: comparisons (<c>==</c>, <c>!=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>,
/// <c>&gt;=</c>) and <c>"NAME" in host.groups</c>, joined with <c>and</c>, <c>or</c>, <c>not</c> and parentheses.
/// Types are checked here, so a parsed expression always evaluates. Every error names its column.
/// </summary>
internal sealed class RequirementParser
{
    public const int MaxLength = 4096;
    private const int MaxDepth = 64;

    private readonly List<Token> _tokens;
    private int _next;
    private int _depth;

    private RequirementParser(List<Token> tokens) => _tokens = tokens;

    public static RequirementNode Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            throw new RequirementSyntaxException(MaxLength + 1, $"requirements are {text.Length} characters long; at most {MaxLength} are allowed");
        }

        var tokens = Tokenize(text);
        if (tokens.Count == 1)
        {
            throw new RequirementSyntaxException(1, "requirements are empty: expected e.g. host.os == \"linux\"");
        }

        var parser = new RequirementParser(tokens);
        var root = parser.ParseOr();
        var rest = parser.Peek;
        if (rest.Kind != TokenKind.End)
        {
            throw new RequirementSyntaxException(rest.Column, $"unexpected {rest.Describe()} after a complete expression; join conditions with and / or");
        }

        return root;
    }

    private Token Peek => _tokens[_next];

    private Token Take() => _tokens[_next++];

    private RequirementNode ParseOr()
    {
        var left = ParseAnd();
        while (Peek.IsWord("or"))
        {
            Take();
            left = new OrNode(left, ParseAnd());
        }

        return left;
    }

    private RequirementNode ParseAnd()
    {
        var left = ParseUnary();
        while (Peek.IsWord("and"))
        {
            Take();
            left = new AndNode(left, ParseUnary());
        }

        return left;
    }

    private RequirementNode ParseUnary()
    {
        if (++_depth > MaxDepth)
        {
            throw new RequirementSyntaxException(Peek.Column, $"expression nests deeper than {MaxDepth} levels");
        }

        try
        {
            if (Peek.IsWord("not"))
            {
                Take();
                return new NotNode(ParseUnary());
            }

            if (Peek.Kind == TokenKind.Open)
            {
                var open = Take();
                var inner = ParseOr();
                if (Peek.Kind != TokenKind.Close)
                {
                    throw new RequirementSyntaxException(Peek.Column, $"expected ) to close the ( at column {open.Column}, found {Peek.Describe()}");
                }

                Take();
                return inner;
            }

            return ParseCondition();
        }
        finally
        {
            _depth--;
        }
    }

    private RequirementNode ParseCondition()
    {
        var leftToken = Peek;
        var left = ParseOperand();
        var op = Take();
        if (op.IsWord("in"))
        {
            var listToken = Peek;
            var list = ParseOperand();
            if (list is not GroupsOperand)
            {
                throw new RequirementSyntaxException(listToken.Column, $"in needs host.groups on its right, not {listToken.Text}");
            }

            if (left.Type != OperandType.Text)
            {
                throw new RequirementSyntaxException(leftToken.Column, $"in needs a group name (text) on its left, not {leftToken.Text}");
            }

            return new InNode(left);
        }

        if (op.Kind != TokenKind.Compare)
        {
            throw new RequirementSyntaxException(op.Column, $"expected a comparison (==, !=, <, <=, >, >=) or in after {leftToken.Text}, found {op.Describe()}");
        }

        var rightToken = Peek;
        var right = ParseOperand();
        foreach (var (operand, token) in new[] { (left, leftToken), (right, rightToken) })
        {
            if (operand.Type == OperandType.List)
            {
                throw new RequirementSyntaxException(token.Column, "host.groups is a list: write \"NAME\" in host.groups");
            }
        }

        if (left.Type != right.Type)
        {
            throw new RequirementSyntaxException(op.Column, $"{op.Text} compares {Describe(left)} {leftToken.Text} with {Describe(right)} {rightToken.Text}; both sides must be text or both numbers");
        }

        var comparison = op.Text switch
        {
            "==" => Comparison.Equal,
            "!=" => Comparison.NotEqual,
            "<" => Comparison.Less,
            "<=" => Comparison.LessOrEqual,
            ">" => Comparison.Greater,
            _ => Comparison.GreaterOrEqual,
        };
        if (left.Type == OperandType.Text && comparison is not (Comparison.Equal or Comparison.NotEqual))
        {
            throw new RequirementSyntaxException(op.Column, $"{op.Text} compares numbers, and {leftToken.Text} is text; text takes == or !=");
        }

        return new CompareNode(comparison, left, right);
    }

    private static string Describe(Operand operand) => operand.Type == OperandType.Number ? "the number" : "the text";

    private Operand ParseOperand()
    {
        var token = Take();
        return token.Kind switch
        {
            TokenKind.Text => new TextLiteral(token.Text[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal)),
            TokenKind.Number => new NumberLiteral(token.Number),
            TokenKind.Name when !token.IsKeyword => Resolve(token),
            _ => throw new RequirementSyntaxException(token.Column, $"expected a property (such as host.os), a \"text\" or a number, found {token.Describe()}"),
        };
    }

    private static Operand Resolve(Token token)
    {
        var name = token.Text.ToLowerInvariant();
        switch (name)
        {
            case "host.name":
                return new PropertyOperand(HostProperty.Name, name);
            case "host.os":
                return new PropertyOperand(HostProperty.Os, name);
            case "host.arch":
                return new PropertyOperand(HostProperty.Arch, name);
            case "host.cpu_model":
                return new PropertyOperand(HostProperty.CpuModel, name);
            case "host.cluster":
                return new PropertyOperand(HostProperty.Cluster, name);
            case "host.groups":
                return new GroupsOperand();
        }

        var last = name.LastIndexOf('.');
        var measure = last < 0 ? null : name[(last + 1)..] switch
        {
            "free" => ResourceMeasure.Free,
            "total" => ResourceMeasure.Total,
            "used" => ResourceMeasure.Used,
            _ => (ResourceMeasure?)null,
        };
        if (measure is { } m && ResourceName.TryParse(name[..last], out var resource, out _))
        {
            return new AmountOperand(resource, m);
        }

        if (name.Count(c => c == '.') == 1 && ResourceName.TryParse(name, out var bare, out _))
        {
            throw new RequirementSyntaxException(token.Column, $"{token.Text} is not a property; a resource is read as {bare}.free, {bare}.total or {bare}.used");
        }

        throw new RequirementSyntaxException(token.Column,
            $"unknown name {token.Text}; expected host.name, host.os, host.arch, host.cpu_model, host.groups, host.cluster or a resource count such as host.memory.free");
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var start = i;
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c is '(' or ')')
            {
                tokens.Add(new Token(c == '(' ? TokenKind.Open : TokenKind.Close, c.ToString(), start + 1));
                i++;
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                var two = i + 1 < text.Length && text[i + 1] == '=';
                if (!two && c is '=' or '!')
                {
                    throw new RequirementSyntaxException(start + 1, c == '=' ? "a single = is not a comparison; write ==" : "! must be followed by =; to negate, write not");
                }

                i += two ? 2 : 1;
                tokens.Add(new Token(TokenKind.Compare, text[start..i], start + 1));
            }
            else if (c is '"' or '\'')
            {
                i++;
                while (i < text.Length && text[i] != c)
                {
                    i += text[i] == '\\' && i + 1 < text.Length ? 2 : 1;
                }

                if (i >= text.Length)
                {
                    throw new RequirementSyntaxException(start + 1, $"text starting here is never closed with {c}");
                }

                i++;
                tokens.Add(new Token(TokenKind.Text, text[start..i], start + 1));
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                i++;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                var number = text[start..i];
                if (!double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                {
                    throw new RequirementSyntaxException(start + 1, $"{number} is not a number");
                }

                tokens.Add(new Token(TokenKind.Number, number, start + 1, value));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-' or '.'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Name, text[start..i], start + 1));
            }
            else
            {
                throw new RequirementSyntaxException(start + 1, $"unexpected character '{c}'");
            }
        }

        tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
        return tokens;
    }

    private enum TokenKind
    {
        Name,
        Text,
        Number,
        Compare,
        Open,
        Close,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Column, double Number = 0)
    {
        public bool IsKeyword => Kind == TokenKind.Name && Text.ToLowerInvariant() is "and" or "or" or "not" or "in";

        public bool IsWord(string word) => Kind == TokenKind.Name && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

        public string Describe() => Kind == TokenKind.End ? "the end" : $"\"{Text}\"";
    }
}
