"""The route index the edge reads on every request: the operations table's routes and query parameters."""

from sendme.contracts.operations import OPERATIONS, allowed_methods
from sendme.contracts.routes import allowed_methods as indexed_methods
from sendme.contracts.routes import query_names


def test_routes_index_takes_the_query_parameters_of_each_operation():
    # Given every route of the operations table
    # When the index is asked for each route's query parameters
    indexed = {route: query_names(*route) for route in OPERATIONS}
    # Then it answers what the route's entry takes (`make openapi` rewrites it when they differ)
    assert indexed == {route: operation.query_names() for route, operation in OPERATIONS.items()}


def test_routes_index_allows_the_methods_of_the_operations_table_on_each_path():
    # Given every path of the operations table
    paths = {path for _, path in OPERATIONS}
    # When the index is asked for the methods each serves (a 405's Allow header)
    # Then it answers what the table serves
    assert {path: indexed_methods(path) for path in paths} == {path: allowed_methods(path) for path in paths}


def test_routes_index_knows_no_route_beyond_the_operations_table():
    # Given a route no operation declares
    # When the index is asked for its query parameters and methods
    # Then it has none (the edge lets the resolver answer 404)
    assert query_names("GET", "/api/nothing") is None
    assert indexed_methods("/api/nothing") == []
