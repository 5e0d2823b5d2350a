import Foundation

/// The printable report as PDF, printed by headless Chromium where it is installed
/// (`chromium --headless --print-to-pdf`). Without Chromium the error says so in Danish, and
/// the HTML (which any browser prints) is the way.
public struct ReportPDF: Sendable {
    /// The Chromium program, or nil when none is on the PATH.
    public let browser: String?
    /// How long a print may take before it is stopped.
    public var timeout: TimeInterval = 60

    /// Looks for `chromium`, `chromium-browser`, `google-chrome` on `PATH` (or `KAMPAGNE_CHROMIUM`).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let given = environment["KAMPAGNE_CHROMIUM"], !given.isEmpty {
            browser = FileManager.default.isExecutableFile(atPath: given) ? given : nil
            return
        }
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        browser = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].lazy.compactMap { name in
            folders.lazy.map { ($0 as NSString).appendingPathComponent(name) }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }.first
    }

    public static let missing = "Chromium er ikke installeret på serveren, så PDF-filen kan ikke laves her. "
        + "Hent den printbare HTML-side, og udskriv den som PDF fra browseren."

    /// Prints `html` (a self-contained page) to PDF bytes.
    public func pdf(_ html: String) throws(KampagneError) -> Data {
        guard let browser else { throw .notFound(Self.missing) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kampagne-pdf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("rapport.html")
        let out = folder.appendingPathComponent("rapport.pdf")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(html.utf8).write(to: page)
        } catch {
            throw .io("Kan ikke skrive en midlertidig fil til PDF-udskriften: \(error.localizedDescription)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        var arguments = ["--headless", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
                         "--user-data-dir=" + folder.appendingPathComponent("profil").path,
                         "--print-to-pdf=" + out.path, page.absoluteString]
        // Chromium refuses to run as root with its sandbox on.
        if getuid() == 0 { arguments.insert("--no-sandbox", at: 1) }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .io("Chromium kunne ikke startes (\(browser)): \(error.localizedDescription)")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            process.terminate()
            throw .io("Chromium blev ikke færdig med PDF-filen inden for \(Int(timeout)) sekunder")
        }
        guard let data = FileManager.default.contents(atPath: out.path), data.starts(with: Array("%PDF".utf8)) else {
            throw .io("Chromium lavede ingen PDF-fil (afslutningskode \(process.terminationStatus))")
        }
        return data
    }
}
