import Foundation
import MailTemplates

/// The templates of the printed pages (the report, the door list): `print/` in the configured
/// templates folder, or the bundled one when a copied folder predates them.
public enum PrintTemplates {
    public static func load(config: KampagneConfig, configPath: String) throws(KampagneError) -> TemplateSet {
        try load(templatesPath: DeliveryConfiguration.templatesPath(config: config, configPath: configPath))
    }

    /// The same, from the resolved templates folder (`DeliveryConfiguration.templatesPath`).
    public static func load(templatesPath: String) throws(KampagneError) -> TemplateSet {
        let configured = (templatesPath as NSString).appendingPathComponent("print")
        let folder = FileManager.default.fileExists(atPath: configured) ? configured
            : (DeliveryConfiguration.templates("Templates", configured: nil) as NSString).appendingPathComponent("print")
        do {
            return try TemplateSet(directory: folder)
        } catch {
            throw .config(error.description)
        }
    }
}
