import Foundation
import Testing
@testable import Kampagne

@Suite struct CSVReaderTests {
    @Test func detectsSemicolonCommaAndTab() throws {
        #expect(try records("a;b\n1;2\n").map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(try records("a,b\n1,2\n").map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(try records("a\tb\n1\t2\n").map(\.fields) == [["a", "b"], ["1", "2"]])
    }

    @Test func delimiterInsideQuotedHeaderDoesNotCount() throws {
        let reader = try CSVReader(data: Data("\"a;b\",c,d\n".utf8), file: "t")
        #expect(reader.delimiter == UInt8(ascii: ","))
    }

    @Test func forcedDelimiterWins() throws {
        #expect(try records("a;b,c\n", delimiter: ",").map(\.fields) == [["a;b", "c"]])
    }

    @Test(arguments: ["\r\n", "\n", "\r"])
    func lineEndsAndLineNumbers(_ end: String) throws {
        let rows = try records(["h1;h2", "a;b", "", "c;d"].joined(separator: end) + end)
        #expect(rows.map(\.fields) == [["h1", "h2"], ["a", "b"], ["c", "d"]])
        #expect(rows.map(\.line) == [1, 2, 4])
    }

    @Test func quotedFieldsWithDelimitersQuotesAndLineBreaks() throws {
        let text = "navn;note\r\n\"Hansen; Jens\";\"Han sagde \"\"hej\"\"\r\nog gik\"\r\nnæste;x\r\n"
        let rows = try records(text)
        #expect(rows[1].fields == ["Hansen; Jens", "Han sagde \"hej\"\r\nog gik"])
        #expect(rows[2].line == 4)
        #expect(rows[2].fields == ["næste", "x"])
    }

    @Test func unterminatedQuoteNamesItsLine() throws {
        #expect {
            _ = try records("a;b\n1;2\n\"open;3\n4;5\n")
        } throws: { error in
            (error as? KampagneError)?.message.contains("t.csv:3") == true
        }
    }

    @Test func windows1252IsDetected() throws {
        let data = try #require("navn;by\nSøren Ærø;Århus\n".data(using: .windowsCP1252))
        let reader = try CSVReader(data: data, file: "t")
        #expect(reader.encoding == .windows1252)
        #expect(try records(data)[1].fields == ["Søren Ærø", "Århus"])
    }

    @Test func windows1252HighCharacters() throws {
        // 0x80 € and 0x96 en dash are the Windows-1252 extras Excel writes.
        #expect(try records(Data([0x61, 0x0A, 0x80, 0x20, 0x96, 0x0A]))[1].fields == ["€ –"])
    }

    @Test func utf8WithAndWithoutBOM() throws {
        let plain = Data("navn\nÅse\n".utf8)
        #expect(try records(plain)[0].fields == ["navn"])
        let bom = Data([0xEF, 0xBB, 0xBF]) + plain
        let reader = try CSVReader(data: bom, file: "t")
        #expect(reader.hadBOM)
        #expect(try records(bom).map(\.fields) == [["navn"], ["Åse"]])
    }

    @Test func utf16LittleEndianWithBOM() throws {
        var data = Data([0xFF, 0xFE])
        data += try #require("navn\temail\nØrsted\to@x.example\n".data(using: .utf16LittleEndian))
        #expect(try records(data).map(\.fields) == [["navn", "email"], ["Ørsted", "o@x.example"]])
    }

    @Test func nulBytesAreRefused() throws {
        #expect(throws: KampagneError.self) { try records(Data([0x61, 0x3B, 0x00, 0x62, 0x0A])) }
    }

    @Test func mixedEncodingsAreRefusedWithTheLine() throws {
        var data = Data("navn\nSøren\n".utf8)
        data += Data([0x4A, 0xF8, 0x72, 0x67, 0x65, 0x6E, 0x0A])  // "Jørgen" in Windows-1252
        #expect {
            _ = try records(data)
        } throws: { error in
            let message = (error as? KampagneError)?.message ?? ""
            return message.contains("t.csv:3") && message.contains("blander")
        }
    }

    @Test func writerQuotesAndNeutralisesFormulas() throws {
        var writer = CSVWriter(excel: true)
        writer.row(["=SUM(A1)", "a;b", "sagde \"hej\"", "to\nlinjer"])
        #expect(writer.text == "'=SUM(A1);\"a;b\";\"sagde \"\"hej\"\"\";\"to\nlinjer\"\r\n")
        #expect(writer.data.starts(with: [0xEF, 0xBB, 0xBF]))
        let back = try records(writer.data)
        #expect(back[0].fields == ["'=SUM(A1)", "a;b", "sagde \"hej\"", "to\nlinjer"])
    }
}
