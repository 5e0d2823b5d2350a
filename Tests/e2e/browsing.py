"""What the Selenium tests share about waiting for a page: imported only after
`pytest.importorskip("selenium")`."""
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException


def looking_again(condition):
    """`condition` for a WebDriverWait that is false, not an error, while a page or an element is
    replaced. While a form's answer loads, Chromium may report an element of the old page as a node
    that "does not belong to the document" (an "unknown error", its form of a stale element), and a
    script that redraws a part of the page leaves stale elements behind: look again."""
    def check(driver):
        try:
            return condition(driver)
        except StaleElementReferenceException:
            return False
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return False
            raise
    return check


def replaced(element):
    """A WebDriverWait condition: true once `element`'s page is gone, which Chromium says either
    as a stale element or, while the next page loads, as a node that "does not belong to the
    document" (Selenium's `staleness_of` lets that second form through as an error)."""
    def check(_driver):
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
    return check
