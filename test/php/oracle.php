<?php
// The PHP side of the differential suite: reads one JSON request per line on stdin and answers one
// JSON line per request, in order. A line holding a JSON array is a batch: the answer is an array.
//   {"op":"encode","value":...}          → {"ok":true,"result":http_build_query(value)}
//   {"op":"parse","body":"..."}          → {"ok":true,"result":<json_encode((object) parse_str(body))>}
//   {"op":"parse","body64":"..."}        → the same for raw bytes (base64), e.g. invalid UTF-8
//   {"op":"version"}                     → {"ok":true,"result":PHP_VERSION}
// A parse result that json_encode refuses (bytes that are not UTF-8) is {"ok":false,"error":...}.
// json_decode($line, true) keeps the key order of the JSON text, so PHP sees JS's order.
// Run with -d max_input_vars=100000: parse_str stops at max_input_vars (1,000 by default).

function answer(array $request): string
{
    switch ($request['op'] ?? null) {
        case 'encode':
            $value = $request['value'];
            if (!is_array($value)) {
                return failure('encode needs an array or object');
            }
            return json_encode(['ok' => true, 'result' => http_build_query($value)]);
        case 'parse':
            $body = isset($request['body64']) ? base64_decode($request['body64'], true) : $request['body'];
            if (!is_string($body)) {
                return failure('parse needs body or body64');
            }
            $result = [];
            parse_str($body, $result);
            // Cast to object: the top level is always an object, also when its keys are 0..n-1.
            $json = json_encode((object) $result, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
            // Embedded as text: the whole answer must not fail on a json_encode error elsewhere.
            return $json === false ? failure(json_last_error_msg()) : '{"ok":true,"result":' . $json . '}';
        case 'version':
            return json_encode(['ok' => true, 'result' => PHP_VERSION]);
        default:
            return failure('unknown op');
    }
}

function failure(string $message): string
{
    return json_encode(['ok' => false, 'error' => $message], JSON_INVALID_UTF8_SUBSTITUTE);
}

while (($line = fgets(STDIN)) !== false) {
    $line = rtrim($line, "\n");
    if ($line === '') {
        continue;
    }
    $request = json_decode($line, true, 1024);
    if (!is_array($request)) {
        echo failure('bad request: ' . json_last_error_msg()), "\n";
    } elseif (array_is_list($request)) {
        echo '[', implode(',', array_map('answer', $request)), "]\n";
    } else {
        echo answer($request), "\n";
    }
    fflush(STDOUT);
}
