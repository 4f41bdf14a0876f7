import Foundation
import KindActivations
import PolytopeModel
import XCTest

/// The vectorizable approximations in the forward pass against Foundation's double-precision functions.
final class FastMathTests: XCTestCase {
    func testExpRelativeErrorBelow2e7() {
        var worst = 0.0
        var x: Float = -87
        while x <= 88 {
            let ref = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(FastMath.exp(x)) - ref) / ref)
            x += 0.00731
        }
        XCTAssertLessThan(worst, 2e-7)
        XCTAssertEqual(FastMath.exp(0), 1)
        XCTAssertEqual(FastMath.exp(-200), FastMath.exp(-87), "inputs below the range are clamped")
    }

    func testRationalErfAndGELU() {
        var worstErf = 0.0, worstGELU = 0.0
        var x: Float = -12
        while x <= 12 {
            worstErf = max(worstErf, abs(Double(ActivationFunctions.erfRational(x)) - Foundation.erf(Double(x))))
            let gelu = 0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))
            worstGELU = max(worstGELU, abs(Double(ActivationFunctions.gelu(x)) - gelu) / max(1, abs(gelu)))
            x += 0.000917
        }
        XCTAssertLessThan(worstErf, 5e-7)
        XCTAssertLessThan(worstGELU, 1e-6)
    }
}
