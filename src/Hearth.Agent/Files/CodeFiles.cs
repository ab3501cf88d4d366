namespace Hearth.Agent.Files;

/// <summary>File extensions of programming, markup and configuration languages (<c>is_code</c>, <c>code_files_only</c>).</summary>
internal static class CodeFiles
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "cs", "csx", "fs", "fsx", "vb", "java", "kt", "kts", "scala", "groovy",
        "gradle", "go", "rs", "swift", "m", "mm", "dart", "js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "vue",
        "svelte", "astro", "py", "pyi", "rb", "php", "pl", "pm", "lua", "r", "jl", "ex", "exs", "erl", "hrl", "hs", "ml",
        "mli", "clj", "cljs", "elm", "zig", "nim", "sh", "bash", "zsh", "fish", "ps1", "sql", "html", "htm", "css", "scss",
        "sass", "less", "json", "jsonc", "yaml", "yml", "toml", "xml", "ini", "cfg", "conf", "md", "mdx", "rst", "tex",
        "proto", "graphql", "gql", "tf", "hcl", "nix", "cmake", "mk", "make", "dockerfile", "csproj", "fsproj", "props",
        "targets", "sln", "slnx", "ipynb", "wasm", "wat", "sol", "v", "sv", "vhd", "asm", "s",
    };

    /// <summary>The extension of a file name without its dot; null for none (a leading dot alone, as in <c>.bashrc</c>, is not one).</summary>
    public static string? ExtensionOf(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot <= 0 || dot == name.Length - 1 ? null : name[(dot + 1)..];
    }

    public static bool IsCode(string name) =>
        ExtensionOf(name) is { } extension ? Extensions.Contains(extension) : name is "Dockerfile" or "Makefile";
}
