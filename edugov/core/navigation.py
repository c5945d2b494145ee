def navigation_for(request):  # type: ignore[no-untyped-def]
    return []
