namespace NodeFirmware.Nodectl.Secrets;

/// <summary>Reads a secret from the terminal without echoing it (the prompt goes to stderr).</summary>
public static class HiddenPrompt
{
    public static string Read(string label)
    {
        Console.Error.Write(label);
        var chars = new List<char>();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (chars.Count > 0) chars.RemoveAt(chars.Count - 1); }
            else if (!char.IsControl(key.KeyChar)) chars.Add(key.KeyChar);
        }
        Console.Error.WriteLine();
        return new string(chars.ToArray());
    }
}
