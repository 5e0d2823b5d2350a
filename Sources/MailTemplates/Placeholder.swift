public enum MailTemplatesVersion { public static let value = "0" }
