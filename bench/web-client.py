"""bench/web-profile.sh's client: N requests to a meeting page on one keep-alive connection.

    web-client.py URL get N          GET the page N times
    web-client.py URL post N LABEL   N sign-ups through the page's form, each with a new address

Prints how many answered 200 (and, for sign-ups, how many got the thank-you page)."""
import http.client
import re
import sys
import urllib.parse


def main():
    url, what, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    label = sys.argv[4] if len(sys.argv) > 4 else "r"
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    connection.request("GET", parts.path)
    page = connection.getresponse().read().decode()
    csrf = re.search(r'name="csrf" value="([^"]*)"', page).group(1)
    ok = thanked = 0
    for n in range(count):
        if what == "get":
            connection.request("GET", parts.path)
        else:
            body = urllib.parse.urlencode({"csrf": csrf, "name": f"Profil Deltager {n}",
                                           "email": f"profil-{label}-{n}@kommune.example",
                                           "organisation": "Jobcenter Profil", "municipality": "Vejle"})
            connection.request("POST", parts.path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        text = response.read().decode()
        ok += response.status == 200
        thanked += "Tak for din tilmelding" in text
    print(f"{ok} of {count} answered 200" + (f", {thanked} thanked" if what == "post" else ""))


if __name__ == "__main__":
    main()
